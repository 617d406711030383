package io.conmonj.drivers.contrib.gelf;

/** The LogDriver conformance suite for gelf over TCP. */
class GelfTcpConformanceTest extends GelfConformance {
    @Override
    GelfReceiver receiver() throws Exception {
        return GelfReceiver.tcp(0);
    }
}
