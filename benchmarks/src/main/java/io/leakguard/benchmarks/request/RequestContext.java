package io.leakguard.benchmarks.request;

/** What a web application keeps in a ThreadLocal for the length of a request. */
record RequestContext(int id, String user) {
}
