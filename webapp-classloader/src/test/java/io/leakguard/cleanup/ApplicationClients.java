package io.leakguard.cleanup;

import java.net.http.HttpClient;

/** Where an application keeps its shared HttpClients; {@link DyingLoader}s define it anew in engine tests. */
public final class ApplicationClients {

    public static Object clients;
    public static HttpClient[] pool;
}
