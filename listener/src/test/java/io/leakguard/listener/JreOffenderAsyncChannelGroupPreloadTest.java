package io.leakguard.listener;

import org.junit.jupiter.api.Test;

class JreOffenderAsyncChannelGroupPreloadTest {

    @Test
    void preloadedChannelGroupKeepsTheSystemLoaderInstead() {
        JreOffenderEvidence.preload("asyncChannelGroup");
        JreOffenderEvidence.assertCollected("offender-async-channel");
    }
}
