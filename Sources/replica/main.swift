print("replica")
