package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/**
 * java.util.prefs starts its sync Timer thread in FileSystemPreferences' static initialiser, and a Timer thread
 * inherits its creator's context class loader: measured leaking on JDK 17 and JDK 25. Tomcat's stock loader only
 * warns about that thread. Also the example for classesToInitialize.
 */
class JreOffenderPreferencesLeakTest {

    @Test
    void firstPreferencesUseByAWebappPinsItsLoader() {
        JreOffenderEvidence.assertLeaks("offender-prefs");
    }
}
