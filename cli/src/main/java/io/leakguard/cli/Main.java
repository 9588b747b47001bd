package io.leakguard.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar leakguard.jar check app.war ...} deploys a WAR into an embedded Tomcat guarded by leakguard,
 * redeploys it a few times and says whether its class loaders were collected, and why not; with no arguments it runs
 * the demo. The report goes to stdout, one progress line per phase to stderr.
 */
public final class Main {

    static final int NOTHING_LEAKED = 0;
    static final int LEAKED = 1;
    static final int BAD_INPUT = 2;

    static final String USAGE = """
            usage: leakguard [demo]
                   leakguard check app.war [--request /path ...] [--cycles N] [--without-leakguard] \
            [--json report.json]""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command; returns the exit code instead of exiting, so that tests run it in process. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> arguments = Arrays.asList(args);
        try {
            if (arguments.contains("--help") || arguments.contains("-h")) {
                out.println(USAGE);
                return NOTHING_LEAKED;
            }
            if (arguments.isEmpty() || arguments.equals(List.of("demo"))) {
                return new Demo(out, err).run();
            }
            if (arguments.get(0).equals("check")) {
                return Check.run(CheckOptions.parse(arguments.subList(1, arguments.size())), out, err);
            }
            String first = arguments.get(0);
            throw new BadInput("unknown command [" + first + "]" + (first.endsWith(".war")
                    ? "; to check a WAR: leakguard check " + first : "") + "\n" + USAGE);
        } catch (BadInput e) {
            err.println("leakguard: " + e.getMessage());
            return BAD_INPUT;
        } catch (RuntimeException e) {
            // Not the input's fault, but a stack trace helps no one running a check: one line, as for bad input.
            err.println("leakguard: failed: " + e);
            return BAD_INPUT;
        }
    }
}
