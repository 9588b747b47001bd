package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/**
 * The JVM's default asynchronous channel group starts its threads when the first channel without a group of its own
 * opens, and up to JDK 24 they inherit their creator's context class loader: measured leaking on JDK 17. JDK 25
 * makes them innocuous threads, with the system class loader.
 */
class JreOffenderAsyncChannelGroupLeakTest {

    @Test
    void firstAsynchronousChannelOfAWebappPinsItsLoaderBeforeJdk25() {
        if (Runtime.version().feature() <= 24) {
            JreOffenderEvidence.assertLeaks("offender-async-channel");
        } else {
            JreOffenderEvidence.assertNotNeededHere("asyncChannelGroup");
            JreOffenderEvidence.assertCollected("offender-async-channel");
        }
    }
}
