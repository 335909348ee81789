package org.medlora.training;

/** Time per epoch and the estimated time left, from the epochs done so far. */
final class EpochClock {

  private final int totalEpochs;
  private final long start = System.nanoTime();
  private long last = start;
  private double lastSeconds;
  private int done;

  EpochClock(int totalEpochs) {
    this.totalEpochs = totalEpochs;
  }

  void epochDone() {
    long now = System.nanoTime();
    lastSeconds = (now - last) / 1e9;
    last = now;
    done++;
  }

  double lastSeconds() {
    return lastSeconds;
  }

  double etaSeconds() {
    return done == 0 ? 0 : (last - start) / 1e9 / done * (totalEpochs - done);
  }
}
