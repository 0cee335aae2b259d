// The demo page: one stream of /events?user=NAME, shared by every tab of the page through the starter's
// SharedEventSource (an EventSource that shares one connection and resumes after a reload), a list of
// what arrives, and two forms that POST.
import { SharedEventSource } from '/sse/sse-client.js';

(function () {
	'use strict';

	const MAX_EVENTS = 100;
	const DEFAULT_NAMES = ['message', 'missed', 'close', 'chat'];
	const ADJECTIVES = ['brave', 'calm', 'cheery', 'clever', 'gentle', 'happy', 'jolly', 'lucky', 'merry', 'quick', 'sunny', 'witty'];
	const ANIMALS = ['badger', 'otter', 'panda', 'heron', 'koala', 'lynx', 'marmot', 'puffin', 'robin', 'seal', 'tapir', 'wombat'];

	const $ = (id) => document.getElementById(id);
	const stateEl = $('state');
	const statusEl = $('status');
	const eventsEl = $('events');
	const userInput = $('user');

	const states = [];
	const listening = new Set();
	let source = null;
	let user = '';
	let count = 0;

	function randomName() {
		const pick = (list) => list[Math.floor(Math.random() * list.length)];
		return pick(ADJECTIVES) + '-' + pick(ANIMALS);
	}

	// The state badge also keeps every state it showed, in order, in data-states.
	function setState(state) {
		if (states[states.length - 1] === state) {
			return;
		}
		states.push(state);
		stateEl.textContent = state;
		stateEl.dataset.state = state;
		stateEl.dataset.states = states.join(',');
		$('disconnect').disabled = (state === 'closed');
	}

	function setStatus(text, kind, id) {
		statusEl.textContent = text;
		statusEl.className = 'status status--' + kind;
		if (id === undefined) {
			delete statusEl.dataset.id;
		}
		else {
			statusEl.dataset.id = id;
		}
	}

	function time() {
		return new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
	}

	function show(event) {
		const item = document.createElement('li');
		item.className = 'event event--' + (DEFAULT_NAMES.includes(event.type) ? event.type : 'named');
		item.dataset.event = event.type;
		item.dataset.id = event.lastEventId;

		const meta = document.createElement('div');
		meta.className = 'event__meta';
		const name = document.createElement('span');
		name.className = 'event__name';
		name.textContent = event.type;
		const id = document.createElement('span');
		id.className = 'event__id';
		id.textContent = event.lastEventId ? 'id ' + event.lastEventId : 'no id';
		const when = document.createElement('time');
		when.className = 'event__time';
		when.dateTime = new Date().toISOString();
		when.textContent = time();
		meta.append(name, id, when);

		const data = document.createElement('div');
		data.className = 'data';
		data.textContent = event.data;
		if (event.data === '') {
			data.classList.add('data--empty');
		}

		item.append(meta, data);
		eventsEl.prepend(item);
		while (eventsEl.children.length > MAX_EVENTS) {
			eventsEl.lastElementChild.remove();
		}
		count++;
		updateCount();
	}

	function updateCount() {
		$('event-count').textContent = String(count);
		$('events-empty').hidden = eventsEl.children.length > 0;
	}

	function onEvent(event) {
		show(event);
		if (event.type === 'close') {
			// The server's close event means "do not come back": stop the automatic reconnection.
			disconnect();
			setStatus('The server closed the stream.', 'info');
		}
	}

	function listen(name) {
		name = name.trim();
		if (name === '' || listening.has(name)) {
			return;
		}
		listening.add(name);
		if (source) {
			source.addEventListener(name, onEvent);
		}
		const chip = document.createElement('code');
		chip.className = 'chip';
		chip.textContent = name;
		$('listening').append(chip);
		const option = document.createElement('option');
		option.value = name;
		$('known-events').append(option);
	}

	function connect(name) {
		disconnect();
		user = name;
		userInput.value = name;
		$('whoami').textContent = name;
		$('whoami').dataset.initial = Array.from(name)[0].toUpperCase();
		const url = '/events?user=' + encodeURIComponent(name);
		$('stream-url').textContent = url;
		const query = new URLSearchParams(location.search);
		query.set('user', name);
		history.replaceState(null, '', '?' + query.toString());
		document.title = name + ' \u00b7 Event stream demo';

		setState('connecting');
		const es = new SharedEventSource(url);
		source = es;
		// How the tabs share the connection: worker, broadcast (a leader tab) or none.
		stateEl.dataset.sharing = es.shared;
		listening.forEach((each) => es.addEventListener(each, onEvent));
		es.onopen = () => {
			if (source === es) {
				setState('open');
			}
		};
		es.onerror = () => {
			if (source !== es) {
				return;
			}
			// An error while CONNECTING means the browser will retry after the server's retry time;
			// CLOSED means it gave up (an answer that was not a 200 text/event-stream).
			if (es.readyState === SharedEventSource.CONNECTING) {
				setState('reconnecting');
			}
			else if (es.readyState === SharedEventSource.CLOSED) {
				setState('closed');
				source = null;
				setStatus('Could not connect to the stream.', 'error');
			}
		};
	}

	function disconnect() {
		if (source) {
			source.close();
			source = null;
			setState('closed');
		}
	}

	async function post(path, eventName, data) {
		const body = { data: data };
		if (eventName !== '') {
			body.event = eventName;
			listen(eventName);
		}
		const response = await fetch(path, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'Accept': 'application/json, application/problem+json' },
			body: JSON.stringify(body),
		});
		let answer = null;
		try {
			answer = await response.json();
		}
		catch (ex) {
			// Not JSON: fall back to the status line below.
		}
		if (!response.ok) {
			const detail = (answer && answer.detail) || (response.status + ' ' + response.statusText);
			throw new Error(detail);
		}
		return answer.id;
	}

	function submitter(form, send) {
		form.addEventListener('submit', async (event) => {
			event.preventDefault();
			const button = form.querySelector('button[type=submit]');
			button.disabled = true;
			setStatus('Sending\u2026', 'pending');
			try {
				await send();
			}
			catch (ex) {
				setStatus(ex.message, 'error');
			}
			finally {
				button.disabled = false;
			}
		});
	}

	submitter($('broadcast-form'), async () => {
		const data = $('broadcast-data').value;
		const id = await post('/events', $('broadcast-event').value.trim(), data);
		setStatus('Broadcast accepted as event id ' + id + '.', 'ok', id);
		$('broadcast-data').value = '';
	});

	submitter($('direct-form'), async () => {
		const to = $('direct-user').value.trim();
		if (to === '') {
			throw new Error('Enter the user to send to.');
		}
		const data = $('direct-data').value;
		const id = await post('/events/' + encodeURIComponent(to), $('direct-event').value.trim(), data);
		setStatus('Sent to ' + to + ' as event id ' + id + '.', 'ok', id);
		$('direct-data').value = '';
	});

	$('user-form').addEventListener('submit', (event) => {
		event.preventDefault();
		const name = userInput.value.trim();
		if (name !== '') {
			connect(name);
		}
	});

	$('listen-form').addEventListener('submit', (event) => {
		event.preventDefault();
		listen($('listen-event').value);
		$('listen-event').value = '';
	});

	$('disconnect').addEventListener('click', disconnect);

	$('clear').addEventListener('click', () => {
		eventsEl.replaceChildren();
		count = 0;
		updateCount();
	});

	// Ctrl+Enter (or Cmd+Enter) in a text area submits its form.
	document.querySelectorAll('textarea').forEach((area) => {
		area.addEventListener('keydown', (event) => {
			if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
				event.preventDefault();
				area.form.requestSubmit();
			}
		});
	});

	document.querySelectorAll('.origin').forEach((each) => {
		each.textContent = location.origin;
	});
	DEFAULT_NAMES.forEach(listen);
	const requested = (new URLSearchParams(location.search).get('user') || '').trim();
	connect(requested !== '' ? requested : randomName());
	updateCount();
})();
