// CBLAS (OpenBLAS) and LAPACKE for the Numerics target. No stable API.
#include <cblas.h>
#include <lapacke.h>
