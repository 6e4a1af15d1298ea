package io.udpnet.bench;

import java.io.IOException;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the harnesses read about the machine and the process besides their own counters. */
final class HostCounters {
    private HostCounters() {
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or "?" where it cannot be read. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * One of the kernel's UDP counters from {@code /proc/net/snmp} (all sockets of the machine), such as
     * {@code RcvbufErrors}, or -1 where it cannot be read.
     */
    static long udpCounter(String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    String[] names = lines.get(i).split(" +");
                    String[] values = lines.get(i + 1).split(" +");
                    for (int j = 0; j < names.length; j++) {
                        if (names[j].equals(name)) {
                            return Long.parseLong(values[j]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: reported as -1
        }
        return -1;
    }

    /**
     * The kernel's drop counters of the UDP sockets of this machine that have {@code port} as their local port
     * (index 0) or as their remote port (index 1), summed, from {@code /proc/net/udp} and {@code /proc/net/udp6};
     * {-1, -1} where they cannot be read. A socket's counter starts at 0 when it opens and counts datagrams it could
     * not queue, mostly because its receive buffer was full.
     */
    static long[] udpSocketDrops(int port) {
        long[] r = new long[2];
        try {
            for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
                Path p = Path.of(file);
                if (!Files.exists(p)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split(" +");
                    if (f.length < 13) {
                        continue;
                    }
                    long drops = Long.parseLong(f[f.length - 1]);
                    if (port(f[1]) == port) {
                        r[0] += drops;
                    } else if (port(f[2]) == port) {
                        r[1] += drops;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
        return r;
    }

    /** The port of an address as {@code /proc/net/udp} writes it: hex address, colon, hex port. */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /**
     * CPU time of every live platform thread, summed by name with trailing digits and dashes removed, except that
     * threads whose name starts with one of {@code separate} keep their own entry (one per I/O thread).
     */
    static Map<String, Long> cpuByThreadGroup(ThreadMXBean threads, String... separate) {
        Map<String, Long> m = new TreeMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long t = threads.getThreadCpuTime(ids[i]);
            if (t > 0) {
                String full = infos[i].getThreadName();
                String name = full.replaceAll("[-0-9]+$", "");
                for (String s : separate) {
                    if (full.startsWith(s)) {
                        name = full;
                    }
                }
                m.merge(name, t, Long::sum);
            }
        }
        return m;
    }
}
