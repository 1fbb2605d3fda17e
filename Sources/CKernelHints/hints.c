#include "CKernelHints.h"
