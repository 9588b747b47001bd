package io.leakguard.listener;

import org.junit.jupiter.api.Test;

/** The preferences entry covers this class by default; here it stands for any class an operator lists. */
class JreOffenderClassesToInitializePreloadTest {

    @Test
    void listedClassInitialisedAtStartKeepsTheSystemLoaderInstead() {
        System.setProperty(JreOffenders.CLASSES_TO_INITIALIZE, "java.util.prefs.FileSystemPreferences");
        try {
            JreOffenderEvidence.preload("classesToInitialize");
        } finally {
            System.clearProperty(JreOffenders.CLASSES_TO_INITIALIZE);
        }
        JreOffenderEvidence.assertCollected("offender-prefs");
    }
}
