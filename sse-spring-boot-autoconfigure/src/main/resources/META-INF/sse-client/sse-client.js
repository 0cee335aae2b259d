/*
 * sse-client.js: one shared, resumable event stream for every tab of a page.
 *
 *   import { SharedEventSource } from '/sse/sse-client.js';
 *   const source = new SharedEventSource('/events?user=alice');
 *   source.addEventListener('chat', (event) => console.log(event.lastEventId, event.data));
 *
 * SharedEventSource has the API of the browser's EventSource. What it adds:
 *
 * - One connection for all tabs. Every tab of an origin that opens the same URL (with the same
 *   withCredentials) shares one HTTP connection, held by a SharedWorker (this very file, loaded as a
 *   module worker) or, where there is none, by one tab elected with the Web Locks API that relays
 *   over a BroadcastChannel. When that tab goes away, another takes over from the last id.
 * - Resume across reloads. Each tab keeps the last event id it saw in sessionStorage (keyed by URL)
 *   and the next page of that tab starts from it, sent as the `lastEventId` query parameter, which
 *   the starter reads when there is no Last-Event-ID header. A page rendered by the server may pass
 *   the id it was rendered with instead: new SharedEventSource(url, { lastEventId: '42' }).
 * - The rule for a tab that joins a running shared connection with an id: the connection keeps its
 *   last RING_SIZE ids and events; when the tab's id is among them (or is the connection's current
 *   position) the tab receives the events after it from there, then the live ones. When it is not,
 *   the tab opens a short-lived catch-up connection of its own with that id, receives what the
 *   server replays, and drops it as soon as it reaches an id the shared connection has seen. Either
 *   way the tab sees every event after its id once, in order. A tab without an id starts live.
 * - The server's signals: the reconnection time (retry), the `missed` event (dispatched like any
 *   other: addEventListener('missed', ...)), the `close` event (dispatched, then the stream stops for
 *   every tab and does not reconnect), and any answer other than 200 text/event-stream, 204
 *   included (readyState CLOSED and an error event, as EventSource does).
 *
 * The stream is read with fetch and parsed as the WHATWG HTML standard's event stream
 * interpretation says (section 9.2.6), so that every id is seen, including the one the server sends
 * after a replay with no event, whatever event names the pages listen for.
 *
 * No dependencies, no build step. Chrome, Edge, Firefox and Safari 16+ run the SharedWorker; browsers
 * without SharedWorker (Chrome on Android, say) use Web Locks and BroadcastChannel; a browser
 * without those gets one connection per tab, still resuming across reloads.
 *
 * @since 0.2.0
 */

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** How many recent ids and events a shared connection keeps for tabs that join with an id. */
const RING_SIZE = 500;

const DEFAULT_RETRY = 3000;
const MAX_RETRY = 30000;
const STORAGE_PREFIX = 'sse-client:last-event-id:';
const NAME_PREFIX = 'sse-client ';

/** Name of the SharedWorker; it changes with the messages between pages and worker. */
const WORKER_NAME = 'sse-client/1';

/**
 * Incremental parser of the text/event-stream format: feed it decoded text in any chunking.
 */
class EventStreamParser {

	constructor(handler) {
		this.handler = handler;
		this.buffer = '';
		this.skipLineFeed = false;
		this.data = '';
		this.type = '';
		this.idBuffer = null;
		this.lastEventId = '';
	}

	push(text) {
		let start = 0;
		if (this.skipLineFeed && text.startsWith('\n')) {
			start = 1;
		}
		this.skipLineFeed = false;
		let chunk = this.buffer + text.slice(start);
		let from = 0;
		for (let i = 0; i < chunk.length; i++) {
			const c = chunk.charCodeAt(i);
			if (c === 10 || c === 13) {
				this.line(chunk.slice(from, i));
				// A CR followed by LF ends one line, even when the LF comes in the next chunk.
				if (c === 13) {
					if (i + 1 < chunk.length) {
						if (chunk.charCodeAt(i + 1) === 10) {
							i++;
						}
					}
					else {
						this.skipLineFeed = true;
					}
				}
				from = i + 1;
			}
		}
		this.buffer = chunk.slice(from);
	}

	line(line) {
		if (line === '') {
			this.dispatch();
			return;
		}
		if (line.startsWith(':')) {
			return;
		}
		const colon = line.indexOf(':');
		const field = (colon < 0) ? line : line.slice(0, colon);
		let value = (colon < 0) ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) {
			value = value.slice(1);
		}
		if (field === 'data') {
			this.data += value + '\n';
		}
		else if (field === 'event') {
			this.type = value;
		}
		else if (field === 'id') {
			if (!value.includes('\0')) {
				this.idBuffer = value;
			}
		}
		else if (field === 'retry') {
			if (/^[0-9]+$/.test(value)) {
				this.handler.retry(parseInt(value, 10));
			}
		}
	}

	dispatch() {
		// The last event id is set when a block ends, even when it dispatches no event.
		if (this.idBuffer !== null && this.idBuffer !== this.lastEventId) {
			this.lastEventId = this.idBuffer;
			if (this.data === '') {
				this.handler.position(this.lastEventId);
			}
		}
		this.idBuffer = null;
		if (this.data !== '') {
			this.handler.event(this.type || 'message', this.data.slice(0, -1), this.lastEventId);
		}
		this.data = '';
		this.type = '';
	}

}

/**
 * One HTTP connection to an event stream, reconnecting as EventSource does. The handler is told
 * open(), event(type, data, id), position(id) for an id that came without an event, and
 * error(readyState) with CONNECTING (it will reconnect) or CLOSED (it gave up).
 */
class EventStream {

	constructor(url, options, handler) {
		this.url = url;
		this.credentials = options.withCredentials ? 'include' : 'same-origin';
		this.parameter = options.parameter;
		this.lastEventId = options.lastEventId || '';
		this.handler = handler;
		this.retry = DEFAULT_RETRY;
		this.failures = 0;
		this.readyState = CONNECTING;
		this.abort = null;
		this.wake = null;
		this.run();
	}

	requestUrl() {
		const url = new URL(this.url);
		if (this.lastEventId !== '') {
			url.searchParams.set(this.parameter, this.lastEventId);
		}
		return url.href;
	}

	async run() {
		while (this.readyState !== CLOSED) {
			this.abort = new AbortController();
			let response;
			try {
				response = await fetch(this.requestUrl(), {
					headers: { 'Accept': 'text/event-stream' },
					credentials: this.credentials,
					cache: 'no-store',
					signal: this.abort.signal,
				});
			}
			catch (ex) {
				this.failures++;
				await this.reconnect();
				continue;
			}
			if (this.readyState === CLOSED) {
				return;
			}
			const type = (response.headers.get('Content-Type') || '').split(';')[0].trim().toLowerCase();
			if (response.status !== 200 || type !== 'text/event-stream') {
				// Anything but a 200 event stream (204 included) stops EventSource for good.
				this.abort.abort();
				this.readyState = CLOSED;
				this.handler.error(CLOSED);
				return;
			}
			this.readyState = OPEN;
			this.failures = 0;
			this.handler.open();
			try {
				await this.read(response.body);
			}
			catch (ex) {
				// The connection dropped: reconnect below.
			}
			await this.reconnect();
		}
	}

	async read(body) {
		const parser = new EventStreamParser({
			retry: (millis) => {
				this.retry = millis;
			},
			position: (id) => {
				this.lastEventId = id;
				this.handler.position(id);
			},
			event: (type, data, id) => {
				this.lastEventId = id;
				if (this.readyState !== CLOSED) {
					this.handler.event(type, data, id);
				}
			},
		});
		parser.lastEventId = this.lastEventId;
		const reader = body.getReader();
		const decoder = new TextDecoder();
		for (;;) {
			const { done, value } = await reader.read();
			if (done || this.readyState === CLOSED) {
				return;
			}
			parser.push(decoder.decode(value, { stream: true }));
		}
	}

	async reconnect() {
		if (this.readyState === CLOSED) {
			return;
		}
		this.readyState = CONNECTING;
		this.handler.error(CONNECTING);
		// Repeated failures to connect back off exponentially, with jitter, up to MAX_RETRY.
		const backoff = Math.min(this.retry * (2 ** Math.min(this.failures, 8)), Math.max(this.retry, MAX_RETRY));
		const delay = (this.failures === 0) ? this.retry : backoff * (0.5 + Math.random() / 2);
		await new Promise((resolve) => {
			this.wake = resolve;
			setTimeout(resolve, delay);
		});
	}

	close() {
		this.readyState = CLOSED;
		if (this.abort) {
			this.abort.abort();
		}
		if (this.wake) {
			this.wake();
		}
	}

}

/**
 * The shared connection for one URL: it holds the stream, keeps the recent ids and events, answers
 * tabs that join, and sends every event, id and state change to all of them through broadcast(message).
 */
class Hub {

	constructor(config, broadcast) {
		this.id = Math.random().toString(36).slice(2) + Date.now().toString(36);
		this.broadcast = broadcast;
		this.current = config.from || '';
		this.ring = this.current ? [{ id: this.current }] : [];
		this.readyState = CONNECTING;
		this.stream = new EventStream(config.url, {
			withCredentials: config.withCredentials,
			parameter: config.parameter,
			lastEventId: this.current,
		}, this);
	}

	/** What a tab that joins at id `from` receives first: the events after it, or known: false. */
	sync(from) {
		const reply = { t: 'sync', hub: this.id, position: this.current, readyState: this.readyState, known: true, events: [] };
		if (!from || from === this.current) {
			return reply;
		}
		for (let i = this.ring.length - 1; i >= 0; i--) {
			if (this.ring[i].id === from) {
				reply.events = this.ring.slice(i + 1);
				return reply;
			}
		}
		reply.known = false;
		return reply;
	}

	record(entry) {
		this.current = entry.id;
		this.ring.push(entry);
		if (this.ring.length > RING_SIZE) {
			this.ring.shift();
		}
	}

	open() {
		this.readyState = OPEN;
		this.broadcast({ t: 'state', hub: this.id, readyState: OPEN, open: true });
	}

	error(readyState) {
		this.readyState = readyState;
		this.broadcast({ t: 'state', hub: this.id, readyState: readyState, error: true });
	}

	position(id) {
		this.record({ id: id });
		this.broadcast({ t: 'position', hub: this.id, id: id });
	}

	event(type, data, id) {
		this.record({ id: id, type: type, data: data });
		this.broadcast({ t: 'event', hub: this.id, id: id, type: type, data: data });
		if (type === 'close') {
			// The server's close event: stop for every tab, and do not come back.
			this.close();
			this.broadcast({ t: 'state', hub: this.id, readyState: CLOSED });
		}
	}

	close() {
		this.stream.close();
		this.readyState = CLOSED;
	}

}

function key(url, withCredentials, parameter) {
	return JSON.stringify([url, withCredentials, parameter]);
}

function newId() {
	return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

function readStorage(name) {
	try {
		return globalThis.sessionStorage ? sessionStorage.getItem(name) : null;
	}
	catch (ex) {
		return null;
	}
}

function writeStorage(name, value) {
	try {
		if (globalThis.sessionStorage) {
			sessionStorage.setItem(name, value);
		}
	}
	catch (ex) {
		// Storage full or denied: the tab still works, it only cannot resume after a reload.
	}
}

/**
 * An EventSource whose connection is shared by every tab of the origin that opens the same URL, and
 * whose position survives a reload of the page.
 *
 * Options: withCredentials (as EventSource); lastEventId, the id to start after (default: the one
 * this tab saw last, from sessionStorage); shared, 'auto' (default), 'worker', 'broadcast' or
 * 'none'; lastEventIdParameter, the query parameter that carries the id (default 'lastEventId', as
 * the starter's sse.last-event-id-parameter).
 */
export class SharedEventSource extends EventTarget {

	static CONNECTING = CONNECTING;

	static OPEN = OPEN;

	static CLOSED = CLOSED;

	#url;
	#withCredentials;
	#shared;
	#readyState = CONNECTING;
	#position;
	#storageKey;
	#key;
	#parameter;
	#client = newId();
	#seq = 0;
	#mode = 'syncing';
	#hubId = null;
	#hubPosition = '';
	#pending = [];
	#catchUp = null;
	#handlers = {};
	#port = null;
	#channel = null;
	#hub = null;
	#release = null;
	#abortLock = null;
	#liveness = null;
	#onPageHide = (event) => this.#pageHidden(event);
	#onPageShow = (event) => this.#pageShown(event);

	constructor(url, options = {}) {
		super();
		this.#url = new URL(url, globalThis.location.href).href;
		this.#withCredentials = Boolean(options.withCredentials);
		this.#parameter = options.lastEventIdParameter || 'lastEventId';
		this.#key = key(this.#url, this.#withCredentials, this.#parameter);
		this.#storageKey = STORAGE_PREFIX + this.#url;
		this.#position = options.lastEventId ?? readStorage(this.#storageKey) ?? '';
		this.#shared = SharedEventSource.#sharing(options.shared || 'auto');
		globalThis.addEventListener('pagehide', this.#onPageHide);
		globalThis.addEventListener('pageshow', this.#onPageShow);
		queueMicrotask(() => this.#start());
	}

	/** Absolute URL of the stream, as given (without the lastEventId parameter). */
	get url() {
		return this.#url;
	}

	/** Whether the stream is requested with credentials (cookies) across origins. */
	get withCredentials() {
		return this.#withCredentials;
	}

	/** How this source shares its connection: 'worker', 'broadcast' (a leader tab) or 'none'. */
	get shared() {
		return this.#shared;
	}

	get CONNECTING() {
		return CONNECTING;
	}

	get OPEN() {
		return OPEN;
	}

	get CLOSED() {
		return CLOSED;
	}

	/** CONNECTING, OPEN or CLOSED: the shared connection's state, or CLOSED once close() was called. */
	get readyState() {
		return this.#readyState;
	}

	/** Id of the last event (or bare id) this tab received; where a reload of the page resumes. */
	get lastEventId() {
		return this.#position;
	}

	get onopen() {
		return this.#handler('open');
	}

	set onopen(listener) {
		this.#setHandler('open', listener);
	}

	get onmessage() {
		return this.#handler('message');
	}

	set onmessage(listener) {
		this.#setHandler('message', listener);
	}

	get onerror() {
		return this.#handler('error');
	}

	set onerror(listener) {
		this.#setHandler('error', listener);
	}

	/** Stops receiving; the shared connection closes once no tab uses it. Never reconnects. */
	close() {
		if (this.#mode === 'closed') {
			return;
		}
		this.#readyState = CLOSED;
		this.#mode = 'closed';
		globalThis.removeEventListener('pagehide', this.#onPageHide);
		globalThis.removeEventListener('pageshow', this.#onPageShow);
		this.#detach();
	}

	/** Leaves the shared connection: closes this tab's part of it, and hands it over if this tab held it. */
	#detach() {
		this.#stopCatchUp();
		if (this.#port) {
			this.#port.postMessage({ t: 'bye' });
			this.#port.close();
			this.#port = null;
		}
		if (this.#channel) {
			this.#channel.close();
			this.#channel = null;
		}
		if (this.#abortLock) {
			this.#abortLock.abort();
			this.#abortLock = null;
		}
		if (this.#hub) {
			this.#hub.close();
			this.#hub = null;
		}
		if (this.#release) {
			this.#release();
			this.#release = null;
		}
		this.#hubId = null;
	}

	// A page that goes away, or into the back/forward cache, must not keep the connection from the
	// other tabs; one that comes back from that cache joins again where it was.
	#pageHidden() {
		if (this.#mode !== 'closed') {
			this.#mode = 'hidden';
			this.#detach();
		}
	}

	#pageShown(event) {
		if (event.persisted && this.#mode === 'hidden') {
			this.#mode = 'syncing';
			this.#start();
		}
	}

	static #sharing(requested) {
		const worker = typeof SharedWorker === 'function';
		const broadcast = typeof BroadcastChannel === 'function' && Boolean(globalThis.navigator && navigator.locks);
		if (requested === 'worker' || (requested === 'auto' && worker)) {
			return worker ? 'worker' : (broadcast ? 'broadcast' : 'none');
		}
		if (requested === 'broadcast' || requested === 'auto') {
			return broadcast ? 'broadcast' : 'none';
		}
		return 'none';
	}

	#handler(type) {
		return this.#handlers[type] ? this.#handlers[type].listener : null;
	}

	#setHandler(type, listener) {
		const current = this.#handlers[type];
		if (typeof listener !== 'function') {
			if (current) {
				this.removeEventListener(type, current.wrapper);
				delete this.#handlers[type];
			}
			return;
		}
		if (current) {
			current.listener = listener;
			return;
		}
		const handler = { listener: listener };
		handler.wrapper = (event) => handler.listener.call(this, event);
		this.#handlers[type] = handler;
		this.addEventListener(type, handler.wrapper);
	}

	#start() {
		if (this.#mode === 'closed' || this.#mode === 'hidden') {
			return;
		}
		if (this.#shared === 'worker') {
			this.#startWorker();
		}
		else if (this.#shared === 'broadcast') {
			this.#startBroadcast();
		}
		else {
			this.#lead();
		}
	}

	#startWorker() {
		let worker;
		try {
			worker = new SharedWorker(import.meta.url, { type: 'module', name: WORKER_NAME });
		}
		catch (ex) {
			this.#shared = SharedEventSource.#sharing('broadcast');
			this.#start();
			return;
		}
		// A worker that fails to load (a browser without module workers, a strict CSP) is replaced.
		worker.addEventListener('error', () => {
			if (this.#hubId === null && this.#port === worker.port) {
				this.#port.close();
				this.#port = null;
				this.#shared = SharedEventSource.#sharing('broadcast');
				this.#start();
			}
		});
		const port = worker.port;
		this.#port = port;
		port.onmessage = (event) => this.#receive(event.data);
		if (!(globalThis.navigator && navigator.locks)) {
			this.#sync();
			return;
		}
		// A message sent while the page goes away may never arrive: the worker learns that this source
		// left when it can take the lock this source holds until then.
		this.#liveness = NAME_PREFIX + 'source ' + this.#client + ' ' + this.#seq;
		navigator.locks.request(this.#liveness, () => {
			if (this.#port !== port) {
				return undefined;
			}
			this.#sync();
			return new Promise((resolve) => {
				this.#release = resolve;
			});
		});
	}

	#startBroadcast() {
		this.#channel = new BroadcastChannel(NAME_PREFIX + this.#key);
		this.#channel.onmessage = (event) => {
			const message = event.data;
			if (message.t === 'sync-request') {
				if (this.#hub) {
					this.#channel.postMessage(Object.assign(this.#hub.sync(message.from), { to: message.client, seq: message.seq }));
				}
			}
			else if (!message.to || message.to === this.#client) {
				this.#receive(message);
			}
		};
		this.#abortLock = new AbortController();
		navigator.locks.request(NAME_PREFIX + this.#key, { signal: this.#abortLock.signal }, () => this.#lead())
			.catch(() => {
				// Aborted by close().
			});
		this.#sync();
	}

	/** Holds the shared connection until this source closes. */
	#lead() {
		if (this.#mode === 'closed' || this.#mode === 'hidden') {
			return undefined;
		}
		const channel = this.#channel;
		this.#hub = new Hub({ url: this.#url, withCredentials: this.#withCredentials, parameter: this.#parameter, from: this.#position }, (message) => {
			if (channel) {
				channel.postMessage(message);
			}
			this.#receive(message);
		});
		if (channel) {
			channel.postMessage({ t: 'leader', hub: this.#hub.id });
		}
		this.#sync();
		return new Promise((resolve) => {
			this.#release = resolve;
		});
	}

	#sync() {
		this.#seq++;
		this.#mode = 'syncing';
		this.#stopCatchUp();
		const request = { t: 'sync-request', client: this.#client, seq: this.#seq, from: this.#position };
		if (this.#hub) {
			const reply = Object.assign(this.#hub.sync(this.#position), { seq: this.#seq });
			queueMicrotask(() => this.#receive(reply));
		}
		else if (this.#port) {
			this.#port.postMessage(Object.assign(request, { url: this.#url, withCredentials: this.#withCredentials, parameter: this.#parameter, lock: this.#liveness }));
		}
		else if (this.#channel) {
			this.#channel.postMessage(request);
		}
	}

	#receive(message) {
		if (this.#mode === 'closed' || this.#mode === 'hidden') {
			return;
		}
		if (message.t === 'sync') {
			if (message.seq === this.#seq && this.#mode === 'syncing') {
				this.#joined(message);
			}
			return;
		}
		if (message.t === 'leader') {
			// Another tab took the connection over: join it where this tab is.
			if (message.hub !== this.#hubId && !this.#hub) {
				this.#sync();
			}
			return;
		}
		// Until the reply to the sync, what the hub sends is covered by that reply.
		if (this.#mode === 'syncing' || message.hub !== this.#hubId) {
			return;
		}
		if (message.t === 'state') {
			this.#state(message);
		}
		else if (this.#mode === 'catching-up') {
			this.#pending.push(message);
			this.#trySwitch();
		}
		else {
			this.#deliver(message);
		}
	}

	#joined(reply) {
		this.#hubId = reply.hub;
		this.#hubPosition = reply.position;
		if (reply.known) {
			this.#mode = 'live';
			reply.events.forEach((entry) => this.#deliver(entry));
		}
		else {
			this.#mode = 'catching-up';
			this.#pending = [];
			this.#startCatchUp();
		}
		this.#state(reply);
	}

	#state(message) {
		if (message.readyState === OPEN && this.#readyState !== OPEN) {
			this.#readyState = OPEN;
			this.dispatchEvent(new Event('open'));
		}
		else if (message.readyState === CONNECTING && message.error) {
			this.#readyState = CONNECTING;
			this.dispatchEvent(new Event('error'));
		}
		else if (message.readyState === CLOSED) {
			this.close();
			if (message.error) {
				this.dispatchEvent(new Event('error'));
			}
		}
	}

	#deliver(entry) {
		this.#position = entry.id;
		writeStorage(this.#storageKey, entry.id);
		if (entry.type !== undefined) {
			this.dispatchEvent(new MessageEvent(entry.type, {
				data: entry.data,
				lastEventId: entry.id,
				origin: new URL(this.#url).origin,
			}));
		}
	}

	#startCatchUp() {
		this.#catchUp = new EventStream(this.#url, {
			withCredentials: this.#withCredentials,
			parameter: this.#parameter,
			lastEventId: this.#position,
		}, {
			open: () => {},
			position: (id) => {
				this.#deliver({ id: id });
				this.#trySwitch();
			},
			event: (type, data, id) => {
				// The shared connection delivers the close event; this one only catches up.
				if (type !== 'close') {
					this.#deliver({ id: id, type: type, data: data });
				}
				this.#trySwitch();
			},
			error: (readyState) => {
				if (readyState === CLOSED && this.#mode === 'catching-up') {
					// The server refused the catch-up: carry on with what the shared connection holds.
					this.#switchAt(-1);
				}
			},
		});
	}

	/** Drops the catch-up connection once it reached an id the shared connection has seen. */
	#trySwitch() {
		if (this.#mode !== 'catching-up') {
			return;
		}
		const at = this.#position;
		for (let i = this.#pending.length - 1; i >= 0; i--) {
			if (this.#pending[i].id === at) {
				this.#switchAt(i);
				return;
			}
		}
		if (at === this.#hubPosition) {
			this.#switchAt(-1);
		}
		else if (this.#pending.length > RING_SIZE) {
			this.#pending.shift();
		}
	}

	#switchAt(index) {
		this.#stopCatchUp();
		this.#mode = 'live';
		const rest = this.#pending.slice(index + 1);
		this.#pending = [];
		rest.forEach((entry) => this.#deliver(entry));
	}

	#stopCatchUp() {
		if (this.#catchUp) {
			this.#catchUp.close();
			this.#catchUp = null;
		}
	}

}

/*
 * Loaded as a SharedWorker: one Hub per URL, shared by every port (every SharedEventSource of every
 * tab) that asks for it, closed when the last one leaves.
 */
if (typeof SharedWorkerGlobalScope === 'function' && globalThis instanceof SharedWorkerGlobalScope) {
	const hubs = new Map();
	const joined = new Map();

	const leave = (port) => {
		const entry = joined.get(port);
		if (!entry) {
			return;
		}
		joined.delete(port);
		entry.ports.delete(port);
		if (entry.ports.size === 0) {
			entry.hub.close();
			if (hubs.get(entry.key) === entry) {
				hubs.delete(entry.key);
			}
		}
	};

	globalThis.addEventListener('connect', (connection) => {
		const port = connection.ports[0];
		port.onmessage = (event) => {
			const message = event.data;
			if (message.t === 'bye') {
				leave(port);
				return;
			}
			if (message.t !== 'sync-request') {
				return;
			}
			const name = key(message.url, message.withCredentials, message.parameter);
			let entry = hubs.get(name);
			if (!entry || entry.hub.readyState === CLOSED) {
				entry = { key: name, ports: new Set() };
				entry.hub = new Hub({ url: message.url, withCredentials: message.withCredentials, parameter: message.parameter, from: message.from },
					(update) => entry.ports.forEach((each) => each.postMessage(update)));
				hubs.set(name, entry);
			}
			if (joined.get(port) !== entry) {
				leave(port);
				joined.set(port, entry);
				entry.ports.add(port);
				if (message.lock && navigator.locks) {
					// Granted once the source closed or its page went away.
					navigator.locks.request(message.lock, () => leave(port));
				}
			}
			port.postMessage(Object.assign(entry.hub.sync(message.from), { seq: message.seq }));
		};
	});
}
