package io.leakguard.listener;

import org.junit.jupiter.api.Test;

class JreOffenderDelaySchedulerPreloadTest {

    @Test
    void preloadedDelaySchedulerKeepsTheSystemLoaderInstead() {
        JreOffenderEvidence.preload("delayScheduler");
        JreOffenderEvidence.assertCollected("offender-delay-scheduler");
    }
}
