package io.udpnet.engine;

import io.udpnet.wire.PacketHeader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The packets of data datagrams that carry no message (PROTOCOL.md section 4): what the peer's PATH_CHALLENGE,
 * PATH_RESPONSE and DISCONNECT said, and the PATH_RESPONSE, BUSY and DISCONNECT this end owes the peer. BUSY
 * packets from the peer are read earlier, by the validator, because they explain losses the same datagram's acks
 * may declare ({@link BusyPeer}).
 */
final class ControlPackets {
    /** Copies of a DISCONNECT sent, in separate datagrams, so that one loss does not hide it. */
    static final int DISCONNECT_COPIES = 3;

    /** A PATH_CHALLENGE from the peer waits to be answered; only the newest one is answered. */
    private boolean responseOwed;
    private long responseData;
    /** The data of the last PATH_RESPONSE in the datagram being processed, if {@link #pathResponseSeen}. */
    private boolean pathResponseSeen;
    private long pathResponseReceived;
    private int peerDisconnectCode = -1;
    private String peerDisconnectText;
    /** The newest of the peer's datagrams refused for lack of room, and whether a BUSY naming it is owed. */
    private int refusedSeq;
    private boolean busyOwed;
    private int disconnectsToSend;
    private int disconnectCode;
    private byte[] disconnectText = NO_TEXT;
    private static final byte[] NO_TEXT = new byte[0];

    /**
     * Reads the packet of type {@code type} at {@code at} if it carries no message, and returns the offset after it;
     * returns -1 for a MESSAGE or FRAGMENT. The datagram was validated: lengths are inside it.
     */
    int read(ByteBuffer b, int at, int type) {
        switch (type) {
            case PacketHeader.TYPE_PING -> {
                return at + PacketHeader.PING_SIZE;
            }
            case PacketHeader.TYPE_BUSY -> {
                return at + PacketHeader.BUSY_SIZE;
            }
            case PacketHeader.TYPE_PATH_CHALLENGE -> {
                responseData = PacketHeader.pathData(b, at);
                responseOwed = true;
                return at + PacketHeader.PATH_SIZE;
            }
            case PacketHeader.TYPE_PATH_RESPONSE -> {
                pathResponseReceived = PacketHeader.pathData(b, at);
                pathResponseSeen = true;
                return at + PacketHeader.PATH_SIZE;
            }
            case PacketHeader.TYPE_DISCONNECT -> {
                int n = PacketHeader.disconnectTextLength(b, at);
                if (peerDisconnectCode < 0) {
                    peerDisconnectCode = PacketHeader.disconnectCode(b, at);
                    byte[] text = new byte[n];
                    b.get(at + PacketHeader.DISCONNECT_HEADER, text);
                    peerDisconnectText = new String(text, StandardCharsets.UTF_8);
                }
                return at + PacketHeader.DISCONNECT_HEADER + n;
            }
            default -> {
                return -1;
            }
        }
    }

    /** The peer's datagram {@code seq} was refused: the next datagram sent says BUSY. */
    void onRefused(int seq) {
        refusedSeq = seq;
        busyOwed = true;
    }

    /** Whether a PATH_RESPONSE is owed: it is tiny and the peer's validation waits for it, so it goes at once. */
    boolean responseOwed() {
        return responseOwed;
    }

    /** Writes the PATH_RESPONSE and BUSY owed, if any, at {@code at} and returns the offset after them. */
    int writeOwed(ByteBuffer out, int at) {
        if (responseOwed) {
            PacketHeader.writePath(out, at, PacketHeader.TYPE_PATH_RESPONSE, responseData);
            at += PacketHeader.PATH_SIZE;
            responseOwed = false;
        }
        if (busyOwed) {
            PacketHeader.writeBusy(out, at, refusedSeq);
            at += PacketHeader.BUSY_SIZE;
            busyOwed = false;
        }
        return at;
    }

    /** Forgets the PATH_RESPONSE seen in the previous datagram; call before handing over a new one. */
    void clearPathResponse() {
        pathResponseSeen = false;
    }

    /** Whether the datagram just processed carried a PATH_RESPONSE ({@link #pathResponseReceived()} has its data). */
    boolean pathResponseSeen() {
        return pathResponseSeen;
    }

    long pathResponseReceived() {
        return pathResponseReceived;
    }

    /** Why the peer ended the connection, if a DISCONNECT came from it; otherwise null. */
    DisconnectReason peerDisconnect() {
        return peerDisconnectCode < 0 ? null
                : new DisconnectReason(DisconnectCode.fromWire(peerDisconnectCode), peerDisconnectText, true);
    }

    /** Queues the DISCONNECT copies; {@code text} is UTF-8, at most 255 bytes. */
    void queueDisconnect(int code, byte[] text) {
        disconnectCode = code;
        disconnectText = text;
        disconnectsToSend = DISCONNECT_COPIES;
    }

    /** Copies of DISCONNECT still to send. */
    int disconnectsToSend() {
        return disconnectsToSend;
    }

    /** Writes one copy of the DISCONNECT at {@code at} and returns the offset after it. */
    int writeDisconnect(ByteBuffer out, int at) {
        PacketHeader.writeDisconnect(out, at, disconnectCode, disconnectText);
        disconnectsToSend--;
        return at + PacketHeader.DISCONNECT_HEADER + disconnectText.length;
    }
}
