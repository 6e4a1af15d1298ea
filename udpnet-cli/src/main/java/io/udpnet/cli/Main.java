package io.udpnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/udpnet}. */
@Command(name = "udpnet", mixinStandardHelpOptions = true, version = "udpnet 0.1.0",
        description = "Sessions, messages and reliability over UDP.",
        subcommands = {DemoCommand.class, ServerCommand.class, ClientCommand.class, RelayCommand.class,
                SimCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand; exit code 2 for bad arguments. */
    static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /** Applies the common error handling to {@code cl}: a one-line message, a pointer to --help, exit code 2. */
    static CommandLine configure(CommandLine cl) {
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("udpnet: " + e.getMessage());
            failed.getErr().println("Try 'udpnet " + failed.getCommandName() + " --help'.");
            return 2;
        });
        return cl;
    }
}
