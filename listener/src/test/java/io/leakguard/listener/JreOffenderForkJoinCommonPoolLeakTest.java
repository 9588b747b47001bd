package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/**
 * Kept as proof that the entry can stay off: since JDK 9 (JDK-8172726) common-pool workers get the system class
 * loader as context class loader, whoever makes the pool spawn them. Measured collected on JDK 17 and JDK 25.
 */
class JreOffenderForkJoinCommonPoolLeakTest {

    @Test
    void firstCommonPoolUseByAWebappNoLongerPinsItsLoader() {
        JreOffenderEvidence.assertNotNeededHere("forkJoinCommonPool");
        JreOffenderEvidence.assertCollected("offender-forkjoin");
    }
}
