package io.udpnet.dtls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings (ITU-T X.690) a self-signed X.509 certificate needs: each method returns one complete
 * TLV. Lengths use the definite form, short below 128 bytes and long above, as DER demands.
 */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    /** A context-specific, constructed, explicit tag [n] around {@code inner}. */
    static byte[] explicit(int n, byte[] inner) {
        return tlv(0xa0 | n, inner);
    }

    /** An INTEGER from a big-endian magnitude that is never negative: a leading zero is added where needed. */
    static byte[] unsignedInteger(byte[] magnitude) {
        int i = 0;
        while (i < magnitude.length - 1 && magnitude[i] == 0 && (magnitude[i + 1] & 0x80) == 0) {
            i++;
        }
        byte[] v = java.util.Arrays.copyOfRange(magnitude, i, magnitude.length);
        if (v.length == 0 || (v[0] & 0x80) != 0) {
            v = concat(new byte[] {0}, v);
        }
        return tlv(0x02, v);
    }

    static byte[] integer(long value) {
        return unsignedInteger(java.math.BigInteger.valueOf(value).toByteArray());
    }

    static byte[] bitString(byte[] bytes) {
        return tlv(0x03, concat(new byte[] {0}, bytes));
    }

    static byte[] octetString(byte[] bytes) {
        return tlv(0x04, bytes);
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] utf8String(String s) {
        return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime through 2049, GeneralizedTime from 2050, as RFC 5280 section 4.1.2.5 requires. */
    static byte[] time(ZonedDateTime t) {
        ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        if (utc.getYear() < 2050) {
            return tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            int groups = 1;
            for (long x = v >>> 7; x != 0; x >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                int b = (int) ((v >>> (7 * g)) & 0x7f);
                out.write(g == 0 ? b : b | 0x80);
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] {(byte) n};
        } else {
            int bytes = 4 - Integer.numberOfLeadingZeros(n) / 8;
            len = new byte[1 + bytes];
            len[0] = (byte) (0x80 | bytes);
            for (int i = 0; i < bytes; i++) {
                len[bytes - i] = (byte) (n >>> (8 * i));
            }
        }
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(value, 0, out, 1 + len.length, n);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
