package io.leakguard.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Platform threads that set ThreadLocal entries and then wait, the way a busy server's pool threads sit between
 * requests. The values are JDK objects that never reach a web application: the common case at undeploy, where a
 * clean-up finds nothing and must still look at every entry.
 */
final class ParkedThreads implements AutoCloseable {

    /** Enough for the entries' small values; the default of 1 MiB times a thousand threads is only wasted. */
    private static final long STACK_BYTES = 256 * 1024;

    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    ParkedThreads(int count, int entriesPerThread) throws InterruptedException {
        List<ThreadLocal<Object>> locals = new ArrayList<>();
        for (int i = 0; i < entriesPerThread; i++) {
            locals.add(new ThreadLocal<>());
        }
        CountDownLatch ready = new CountDownLatch(count);
        for (int t = 0; t < count; t++) {
            int index = t;
            Thread thread = new Thread(null, () -> {
                for (int i = 0; i < locals.size(); i++) {
                    locals.get(i).set(value(index, i));
                }
                ready.countDown();
                awaitRelease();
            }, "bench-pool-" + t, STACK_BYTES);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        ready.await();
    }

    private static Object value(int thread, int entry) {
        return switch (entry % 4) {
            case 0 -> "value " + thread + "/" + entry;
            case 1 -> Integer.valueOf(thread * 1_000 + entry);
            case 2 -> new ArrayList<>(List.of("a" + thread, "b" + entry, "c"));
            default -> {
                Map<String, Integer> map = new HashMap<>();
                map.put("thread", thread);
                map.put("entry", entry);
                map.put("size", 3);
                yield map;
            }
        };
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
