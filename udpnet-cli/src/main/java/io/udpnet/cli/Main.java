package io.udpnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Entry point of {@code bin/udpnet}. */
@Command(name = "udpnet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Sessions, messages and reliability over UDP.",
                "Exit status: 2 for bad arguments (or no command); each command lists its other codes."},
        subcommands = {DemoCommand.class, ServerCommand.class, ClientCommand.class, CoapServerCommand.class,
                RelayCommand.class, SimCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** The exit code of a command line that cannot be run: unknown option or command, bad value, none given. */
    static final int BAD_ARGUMENTS = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Main() {
    }

    /** Without a command there is nothing to do: the usage goes to standard error and the exit code is 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_ARGUMENTS;
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command and its options, as typed after {@code udpnet}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand; exit code 2 for bad arguments. */
    static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /**
     * Applies the common error handling to {@code cl}: a one-line message, a pointer to the help of the command that
     * failed, exit code 2.
     */
    static CommandLine configure(CommandLine cl) {
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("udpnet: " + e.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return BAD_ARGUMENTS;
        });
        return cl;
    }
}
