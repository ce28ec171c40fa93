# A 10^6-iteration scalar loop: the CPython side of bench/scripts/loop.rpl.
i = 0
s = 0
while i < 1000000:
    s += i * 0.5
    i += 1
print(s)
