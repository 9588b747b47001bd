package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/** sun.awt.AppContext keeps the context class loader of its creator: measured leaking on JDK 17 and JDK 25. */
class JreOffenderAppContextLeakTest {

    @Test
    void firstImageIoUseByAWebappPinsItsLoader() {
        JreOffenderEvidence.assertLeaks("offender-appcontext");
    }
}
