// The history server: `Dataflow.Ui <event-log-dir> [--port P]` (the `dataflow history` command calls HistoryCommand).
return await Dataflow.Ui.History.HistoryCommand.RunAsync(args, Console.Out, Console.Error);
