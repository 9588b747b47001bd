package io.leakguard.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the benchmarks with JMH's own command line, then puts leakguard's median next to Tomcat's from the same run:
 * on a shared machine only numbers taken side by side, minutes apart at most, can be compared. The fastest pass of
 * each is shown too: other processes can only slow a pass down, so on a noisy machine it is the steadier figure.
 */
public final class CompareCleanups {

    private static final String LEAKGUARD = "leakguardPass";
    private static final String TOMCAT = "tomcatClearReferences";
    private static final double TARGET_MILLIS = 50;
    private static final double TARGET_RATIO = 2;

    private CompareCleanups() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        // The clean-up pass is what a plain run compares; other benchmarks run when named.
        print(new Runner(options.getIncludes().isEmpty()
                ? new OptionsBuilder().parent(options).include(CleanupPass.class.getSimpleName()).build()
                : options).run());
    }

    private static void print(Collection<RunResult> results) {
        Map<String, Map<String, Result<?>>> byInput = new LinkedHashMap<>();
        for (RunResult run : results) {
            String benchmark = run.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            StringBuilder input = new StringBuilder(run.getParams().getMode().longLabel());
            for (String key : run.getParams().getParamsKeys()) {
                input.append(", ").append(key).append('=').append(run.getParams().getParam(key));
            }
            byInput.computeIfAbsent(input.toString(), k -> new LinkedHashMap<>()).put(method, run.getPrimaryResult());
        }
        if (byInput.values().stream().noneMatch(input -> input.containsKey(LEAKGUARD) || input.containsKey(TOMCAT))) {
            return;
        }
        System.out.println();
        System.out.println("leakguard vs Tomcat, one clean-up pass, medians from the same run");
        for (Map.Entry<String, Map<String, Result<?>>> input : byInput.entrySet()) {
            Result<?> leakguard = input.getValue().get(LEAKGUARD);
            Result<?> tomcat = input.getValue().get(TOMCAT);
            if (leakguard == null && tomcat == null) {
                continue;
            }
            System.out.println("  " + input.getKey());
            line(LEAKGUARD, leakguard);
            line(TOMCAT, tomcat);
            if (leakguard != null && tomcat != null && leakguard.getScoreUnit().equals(tomcat.getScoreUnit())) {
                double ratio = median(leakguard) / median(tomcat);
                double fastest = leakguard.getStatistics().getMin() / tomcat.getStatistics().getMin();
                System.out.printf("    %-24s %10.2f   (fastest/fastest %.2f; target: at most %.1f",
                        "ratio leakguard/Tomcat", ratio, fastest, TARGET_RATIO);
                if (leakguard.getScoreUnit().startsWith("ms/")) {
                    System.out.printf(", and leakguard under %.0f ms", TARGET_MILLIS);
                }
                System.out.println(")");
            }
        }
    }

    private static void line(String name, Result<?> result) {
        if (result == null) {
            System.out.printf("    %-24s not run%n", name);
            return;
        }
        Statistics statistics = result.getStatistics();
        System.out.printf("    %-24s %10.3f %s median   (fastest %.3f, p90 %.3f, n=%d)%n", name, median(result),
                result.getScoreUnit(), statistics.getMin(), statistics.getPercentile(90), statistics.getN());
    }

    private static double median(Result<?> result) {
        return result.getStatistics().getPercentile(50);
    }
}
