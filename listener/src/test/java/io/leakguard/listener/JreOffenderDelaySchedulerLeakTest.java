package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/**
 * The thread that runs CompletableFuture timeouts and delays is started by the first one and inherits its creator's
 * context class loader: measured leaking on JDK 17 ('CompletableFutureDelayScheduler') and on JDK 25, where the
 * common pool's 'ForkJoinPool.commonPool-delayScheduler' took its place. Stock Tomcat only warns about that thread.
 */
class JreOffenderDelaySchedulerLeakTest {

    @Test
    void firstTimeoutOfAWebappPinsItsLoader() {
        JreOffenderEvidence.assertLeaks("offender-delay-scheduler");
    }
}
