// PLplot for the Plotting target. No stable API.
#include <plplot/plplot.h>
