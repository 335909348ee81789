package org.medlora.service.batching;

/** A model's request queue is full; the request was refused without waiting (HTTP 503). */
public final class QueueFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public QueueFullException(String model, int depth) {
    super("the request queue of " + model + " is full (" + depth + " requests waiting); retry "
        + "after the Retry-After delay, or spread requests over more replicas");
  }
}
