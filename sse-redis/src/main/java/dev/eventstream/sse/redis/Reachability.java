package dev.eventstream.sse.redis;

/**
 * Whether Redis answers a cluster's calls: unreachable from the moment one call fails (it
 * timed out, the connection is gone, or Redis refused it) until the cluster's reader
 * reads the stream again. While it is unreachable the cluster fails its calls at once
 * instead of waiting for Redis again.
 */
final class Reachability {

	private volatile boolean reachable = true;

	boolean isReachable() {
		return this.reachable;
	}

	void failed() {
		this.reachable = false;
	}

	/**
	 * Records a successful call.
	 * @return whether Redis was unreachable until now
	 */
	boolean succeeded() {
		if (this.reachable) {
			return false;
		}
		this.reachable = true;
		return true;
	}

}
