package io.leakguard.admin;

import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The page's synchronizer token against cross-site request forgery: one random value per session, put into the page's
 * form and required with every POST. Another site can make a logged-in browser send the POST, with its cookie and its
 * basic credentials, but cannot read the page to learn the token. A String in the session: nothing of leakguard's.
 */
final class CsrfToken {

    static final String PARAMETER = "leakguardToken";
    private static final String ATTRIBUTE = "io.leakguard.admin.csrfToken";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfToken() {
    }

    /** The session's token, made on first use. */
    static String of(HttpSession session) {
        synchronized (session) {
            Object token = session.getAttribute(ATTRIBUTE);
            if (token instanceof String existing) {
                return existing;
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String created = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(ATTRIBUTE, created);
            return created;
        }
    }

    /** Compared in constant time, so that response times do not give the token away byte by byte. */
    static boolean matches(HttpSession session, String sent) {
        if (session == null || sent == null || !(session.getAttribute(ATTRIBUTE) instanceof String expected)) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
