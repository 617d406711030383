public class NoneProbe {
    public static void main(String[] a) throws Exception {
        long t0 = Long.parseLong(System.getProperty("t0", "0"));
        System.out.println("first-call-ms=" + (System.currentTimeMillis() - t0) + " pid=" + ProcessHandle.current().pid());
        if (a.length > 0) Thread.sleep(Long.parseLong(a[0]));
    }
}
