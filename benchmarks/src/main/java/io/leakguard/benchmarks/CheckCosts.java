package io.leakguard.benchmarks;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Mode;
import io.leakguard.cleanup.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What each check adds to a clean-up pass, on the input of {@link CleanupPass}: the pass with every check, then the
 * pass without one check at a time, interleaved round by round so that the machine's drift hits all alike, and each
 * median's difference to the full pass. A check whose difference is within the spread of the full pass's own rounds
 * costs nothing measurable. Run with {@code ./benchmarks/run CheckCosts [rounds]}; the first third of the rounds are
 * warm-up.
 */
public final class CheckCosts {

    private CheckCosts() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        CleanupEngine engine = CleanupEngine.standard();
        List<String> names = new ArrayList<>(List.of("every check"));
        List<Policy> policies = new ArrayList<>(List.of(Policy.defaults()));
        for (String check : Policy.checks()) {
            names.add("without " + check);
            policies.add(Policy.defaults().with(check, Mode.OFF));
        }
        long[][] nanos = new long[policies.size()][rounds];
        try (ParkedThreads threads = new ParkedThreads(1_000, 50)) {
            WebappLoader loader = new WebappLoader(CheckCosts.class.getClassLoader());
            new WebappClasses(20_000).defineAll(loader);
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < policies.size(); p++) {
                    long start = System.nanoTime();
                    engine.clean(loader, "/bench", policies.get(p));
                    nanos[p][round] = System.nanoTime() - start;
                }
            }
        }
        double all = median(nanos[0], rounds);
        System.out.printf("%-40s %8.3f ms median%n", names.get(0), all);
        for (int p = 1; p < policies.size(); p++) {
            double without = median(nanos[p], rounds);
            System.out.printf("%-40s %8.3f ms median, the check %+.3f ms%n", names.get(p), without, all - without);
        }
    }

    private static double median(long[] nanos, int rounds) {
        long[] measured = Arrays.copyOfRange(nanos, rounds / 3, rounds);
        Arrays.sort(measured);
        return measured[measured.length / 2] / 1e6;
    }
}
