/** The JVM floor of bench/run.sh's bench_floor: prints a line and sleeps, nothing else. */
public class Idle {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("idle");
        Thread.sleep(Long.parseLong(args[0]) * 1000);
    }
}
