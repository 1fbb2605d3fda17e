// placeholder until integrated
