package io.conmonj.drivers.contrib.gelf;

/** The LogDriver conformance suite for gelf over UDP. */
class GelfUdpConformanceTest extends GelfConformance {
    @Override
    GelfReceiver receiver() throws Exception {
        return GelfReceiver.udp();
    }
}
