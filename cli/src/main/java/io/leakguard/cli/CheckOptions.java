package io.leakguard.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code check}.
 *
 * @param requests paths inside the web application, each sent once per cycle
 * @param json where to write the JSON report, or null
 */
record CheckOptions(Path war, List<String> requests, int cycles, boolean withLeakGuard, Path json) {

    static final int DEFAULT_CYCLES = 3;
    private static final int MAX_CYCLES = 100;

    static CheckOptions parse(List<String> args) throws BadInput {
        Path war = null;
        List<String> requests = new ArrayList<>();
        int cycles = DEFAULT_CYCLES;
        boolean withLeakGuard = true;
        Path json = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--request" -> requests.add(requestPath(value(args, ++i, arg)));
                case "--cycles" -> cycles = cycles(value(args, ++i, arg));
                case "--without-leakguard" -> withLeakGuard = false;
                case "--json" -> json = Path.of(value(args, ++i, arg));
                default -> {
                    if (arg.startsWith("-") || war != null) {
                        throw new BadInput("unexpected argument [" + arg + "]\n" + Main.USAGE);
                    }
                    war = Path.of(arg);
                }
            }
        }
        if (war == null) {
            throw new BadInput("check needs a WAR file\n" + Main.USAGE);
        }
        return new CheckOptions(war, requests.isEmpty() ? List.of("/") : List.copyOf(requests), cycles,
                withLeakGuard, json);
    }

    private static String value(List<String> args, int index, String option) throws BadInput {
        if (index >= args.size()) {
            throw new BadInput(option + " needs a value\n" + Main.USAGE);
        }
        return args.get(index);
    }

    private static String requestPath(String path) throws BadInput {
        if (!path.startsWith("/")) {
            throw new BadInput("--request [" + path + "] must start with /, e.g. --request /orders?id=1");
        }
        return path;
    }

    private static int cycles(String value) throws BadInput {
        try {
            int cycles = Integer.parseInt(value);
            if (cycles >= 1 && cycles <= MAX_CYCLES) {
                return cycles;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the accepted range.
        }
        throw new BadInput("--cycles [" + value + "] must be a whole number from 1 to " + MAX_CYCLES);
    }
}
