using Dataflow.Cli;

// dataflow: the command-line tool of a Dataflow cluster (see engine/Dataflow.Cli/README.md). Exit codes: 0 success;
// 2 usage error; 1 failure; `submit` returns the application's own exit code.
return await CliApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
