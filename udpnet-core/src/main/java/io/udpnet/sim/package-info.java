/**
 * A deterministic network simulator for sans-IO endpoints.
 *
 * <p>A {@link io.udpnet.sim.Simulation} runs any number of {@link io.udpnet.sim.SimNode}s in one thread on a virtual
 * clock, much faster than real time, and carries their datagrams over directed links whose latency, jitter, loss,
 * duplication, reordering, corruption, bandwidth and size limit are set by a {@link io.udpnet.impair.LinkConfig}. Every
 * random choice derives from the simulation's seed, so a failing run can be replayed exactly from its seed.
 * {@link io.udpnet.impair.LinkStats} count what each link did; a {@link io.udpnet.sim.SimListener} can trace every
 * datagram. Routes may share a {@link io.udpnet.sim.Bottleneck}, one queue drained at a fixed rate, as flows share
 * the narrow link of a path.
 *
 * <p>Ready-made runs: {@link io.udpnet.sim.Scenario} streams messages over one connection and checks every delivery
 * guarantee; {@link io.udpnet.sim.MultiFlowScenario} runs several connections through one bottleneck and measures
 * how they share it.
 */
package io.udpnet.sim;
