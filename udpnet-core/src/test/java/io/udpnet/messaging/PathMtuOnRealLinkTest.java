package io.udpnet.messaging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Path MTU discovery on a real link: two network namespaces that this test creates, joined by a veth pair of MTU
 * 1,400, a server in one and a client in the other (each a JVM of its own, {@link PathMtuNode}), both allowed
 * 1,472-byte datagrams. The connection must settle at what the path really carries (1,372-byte datagrams over IPv4)
 * without the kernel ever fragmenting, then follow the link down to MTU 1,280 mid-transfer, losing nothing. Skipped,
 * with the reason, where namespaces cannot be made (not root, no iproute2).
 */
@Timeout(120)
class PathMtuOnRealLinkTest {
    private static final String SERVER = "10.213.0.1";
    private static final String CLIENT = "10.213.0.2";
    private final long id = ProcessHandle.current().pid() % 100_000;
    private final String nsServer = "udpnet-pmtu-s" + id;
    private final String nsClient = "udpnet-pmtu-c" + id;
    private final String vethServer = "ups" + id;
    private final String vethClient = "upc" + id;
    private final List<Process> nodes = new ArrayList<>();

    @BeforeEach
    void link() throws Exception {
        assumeTrue(run("ip", "netns", "add", nsServer) == 0, "cannot make network namespaces here (root and iproute2 "
                + "are needed)");
        assertEquals(0, run("ip", "netns", "add", nsClient));
        assertEquals(0, run("ip", "link", "add", vethServer, "netns", nsServer, "type", "veth", "peer", "name",
                vethClient, "netns", nsClient));
        assertEquals(0, run("ip", "-n", nsServer, "addr", "add", SERVER + "/30", "dev", vethServer));
        assertEquals(0, run("ip", "-n", nsClient, "addr", "add", CLIENT + "/30", "dev", vethClient));
        setMtu(1400);
        for (String[] up : new String[][]{{nsServer, vethServer}, {nsServer, "lo"}, {nsClient, vethClient},
                {nsClient, "lo"}}) {
            assertEquals(0, run("ip", "-n", up[0], "link", "set", up[1], "up"));
        }
    }

    @AfterEach
    void unlink() throws Exception {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", nsServer);
        run("ip", "netns", "del", nsClient);
    }

    @Test
    void settlesAtThePathsSizeWithoutFragmentsAndFollowsTheLinkDown() throws Exception {
        BlockingQueue<String> server = start(nsServer, "server", SERVER, "7000");
        awaitLine(server, l -> l.startsWith("ready"), 20, "the server to start");
        long fragmentsBefore = fragments();
        BlockingQueue<String> client = start(nsClient, "client", SERVER, "7000", "24");

        String settled = awaitLine(client, l -> l.startsWith("size ") && size(l) >= 1372 - 16 && size(l) <= 1372, 15,
                "the connection to settle at the path's size (1,357..1,372 bytes)");
        assertEquals(0, fragments() - fragmentsBefore, "IP fragments while settling; " + settled);

        setMtu(1280);
        awaitLine(client, l -> l.startsWith("size ") && size(l) <= 1280 - 28, 15,
                "the connection to follow the link down to 1,280");
        String done = awaitLine(client, l -> l.startsWith("done "), 60, "the client to finish");
        String[] f = done.split(" ");
        long sent = Long.parseLong(f[2]);
        long echoed = Long.parseLong(f[4]);
        assertTrue(sent > 0, done);
        assertEquals(sent, echoed, "messages lost: " + done);
        assertEquals(0, fragments() - fragmentsBefore, "IP fragments during the run");
    }

    private void setMtu(int mtu) throws Exception {
        assertEquals(0, run("ip", "-n", nsServer, "link", "set", vethServer, "mtu", Integer.toString(mtu)));
        assertEquals(0, run("ip", "-n", nsClient, "link", "set", vethClient, "mtu", Integer.toString(mtu)));
    }

    private static int size(String line) {
        return Integer.parseInt(line.split(" ")[1]);
    }

    /** IP fragments made and reassembled in both namespaces (Ip: FragCreates + ReasmReqds of /proc/net/snmp). */
    private long fragments() throws Exception {
        long sum = 0;
        for (String ns : List.of(nsServer, nsClient)) {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "cat", "/proc/net/snmp")
                    .redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                if (names[0].equals("Ip:") && values[0].equals("Ip:")) {
                    for (int k = 1; k < Math.min(names.length, values.length); k++) {
                        if (names[k].equals("FragCreates") || names[k].equals("ReasmReqds")) {
                            sum += Long.parseLong(values[k]);
                        }
                    }
                }
            }
        }
        return sum;
    }

    private BlockingQueue<String> start(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                PathMtuNode.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        nodes.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        });
        return lines;
    }

    private static String awaitLine(BlockingQueue<String> lines, Predicate<String> wanted, int seconds, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
        fail("timed out waiting for " + what + "; last lines: "
                + seen.subList(Math.max(0, seen.size() - 8), seen.size()));
        return null;
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
