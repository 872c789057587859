// Placeholder: the worker executable is being written.
return 0;
