package io.leakguard.cleanup;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager of an application, which {@link DyingLoader}s define anew in engine tests; it may hold anything, as
 * one that checks certificates against a registry another application's library keeps holds that registry.
 */
public final class ApplicationTrustManager implements X509TrustManager {

    public Object held;

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
