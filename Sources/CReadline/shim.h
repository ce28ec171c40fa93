// GNU readline for the replica executable. No stable API.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
