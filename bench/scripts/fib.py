# Recursive Fibonacci: the CPython side of bench/scripts/fib.rpl.
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(30))
