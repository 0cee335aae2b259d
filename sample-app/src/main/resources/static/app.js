// The demo page: one stream of /events?user=NAME&topic=ROOM..., shared by every tab of the page through
// the starter's SharedEventSource (an EventSource that shares one connection and resumes after a
// reload), a list of what arrives, two forms that POST, and rooms: topics of the stream, with who is in
// each (GET /topics/NAME/presence, then the presence events) and what is said there.
import { SharedEventSource } from '/sse/sse-client.js';

(function () {
	'use strict';

	const MAX_EVENTS = 100;
	const MAX_ROOM_MESSAGES = 50;
	const DEFAULT_NAMES = ['message', 'missed', 'close', 'chat', 'presence'];
	const ADJECTIVES = ['brave', 'calm', 'cheery', 'clever', 'gentle', 'happy', 'jolly', 'lucky', 'merry', 'quick', 'sunny', 'witty'];
	const ANIMALS = ['badger', 'otter', 'panda', 'heron', 'koala', 'lynx', 'marmot', 'puffin', 'robin', 'seal', 'tapir', 'wombat'];

	const $ = (id) => document.getElementById(id);
	const stateEl = $('state');
	const statusEl = $('status');
	const eventsEl = $('events');
	const userInput = $('user');

	const states = [];
	const listening = new Set();
	// Joined rooms by name, in the order joined: { element, members (a Set), pending (presence events
	// that came while the member list was being fetched, or null) }.
	const rooms = new Map();
	let source = null;
	let user = '';
	let count = 0;
	let roomCount = 0;

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
		if (event.type === 'presence') {
			onPresence(event);
		}
		else if (event.type === 'chat') {
			onChat(event);
		}
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
		document.title = name + ' \u00b7 Event stream demo';
		open({});
	}

	// The stream's URL: the user and one topic parameter per joined room. The page's own URL keeps the
	// same, so that a reload comes back to the same rooms.
	function streamUrl() {
		const query = new URLSearchParams();
		query.set('user', user);
		rooms.forEach((room, name) => query.append('topic', name));
		const page = new URLSearchParams(location.search);
		page.set('user', user);
		page.delete('room');
		rooms.forEach((room, name) => page.append('room', name));
		history.replaceState(null, '', '?' + page.toString());
		return '/events?' + query.toString();
	}

	// Opens the stream of the current user and rooms, in place of the one open (without showing it as
	// closed); options.lastEventId resumes after that id.
	function open(options) {
		if (source) {
			source.close();
			source = null;
		}
		const url = streamUrl();
		$('stream-url').textContent = url;
		setState('connecting');
		const es = new SharedEventSource(url, options);
		source = es;
		// How the tabs share the connection: worker, broadcast (a leader tab) or none.
		stateEl.dataset.sharing = es.shared;
		listening.forEach((each) => es.addEventListener(each, onEvent));
		es.onopen = () => {
			if (source === es) {
				setState('open');
				rooms.forEach((room, name) => fetchMembers(name));
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

	// The set of rooms changed: a new stream with the new topics, resuming after the last event this
	// page saw, so that nothing sent meanwhile is missed and nothing is shown twice.
	function roomsChanged() {
		$('rooms-empty').hidden = rooms.size > 0;
		if (!source) {
			// Disconnected: the next Connect opens the stream with these rooms.
			$('stream-url').textContent = streamUrl();
			return;
		}
		const last = source.lastEventId;
		open(last !== '' ? { lastEventId: last } : {});
	}

	function joinRoom(name) {
		name = name.trim();
		if (name === '') {
			return false;
		}
		if (name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) {
			setStatus('A room name has at most 200 characters and no control characters.', 'error');
			return false;
		}
		if (rooms.has(name)) {
			setStatus('Already in ' + name + '.', 'info');
			return false;
		}
		const element = $('room-template').content.firstElementChild.cloneNode(true);
		const key = 'room-' + (++roomCount);
		element.dataset.room = name;
		element.querySelector('.room__body').setAttribute('aria-labelledby', key + '-name');
		const title = element.querySelector('.room__name');
		title.id = key + '-name';
		title.textContent = name;
		element.querySelector('.room__leave').setAttribute('aria-label', 'Leave ' + name);
		element.querySelector('.members').setAttribute('aria-label', 'Who is in ' + name);
		element.querySelector('.messages').setAttribute('aria-label', 'Messages in ' + name);
		const input = element.querySelector('.room__form input');
		input.id = key + '-text';
		input.placeholder = 'Say something in ' + name;
		const label = element.querySelector('.room__form label');
		label.htmlFor = input.id;
		label.textContent = 'Message to ' + name;
		element.querySelector('.room__leave').addEventListener('click', () => leaveRoom(name));
		const form = element.querySelector('.room__form');
		submitter(form, async () => {
			const text = input.value;
			const id = await post('/topics/' + encodeURIComponent(name) + '/events', 'chat',
				{ room: name, from: user, text: text });
			setStatus('Posted to ' + name + ' as event id ' + id + '.', 'ok', id);
			input.value = '';
		});
		rooms.set(name, { element: element, members: new Set(), pending: null });
		$('rooms').append(element);
		renderMembers(name);
		return true;
	}

	function leaveRoom(name) {
		const room = rooms.get(name);
		if (room) {
			room.element.remove();
			rooms.delete(name);
			roomsChanged();
			setStatus('Left ' + name + '.', 'info');
		}
	}

	// Who is in a room now; presence events that arrive meanwhile are applied again on top of the answer.
	async function fetchMembers(name) {
		const room = rooms.get(name);
		if (!room || room.pending) {
			return;
		}
		room.pending = [];
		try {
			const response = await fetch('/topics/' + encodeURIComponent(name) + '/presence',
				{ headers: { 'Accept': 'application/json' } });
			if (response.ok && rooms.get(name) === room) {
				const answer = await response.json();
				room.members = new Set(answer.users);
				room.pending.forEach((change) => applyPresence(room, change));
			}
		}
		catch (ex) {
			// The presence events keep the list as it was; the next connection fetches it again.
		}
		finally {
			room.pending = null;
			renderMembers(name);
		}
	}

	function applyPresence(room, change) {
		if (change.state === 'join') {
			room.members.add(change.user);
		}
		else if (change.state === 'leave') {
			room.members.delete(change.user);
		}
	}

	function onPresence(event) {
		let change;
		try {
			change = JSON.parse(event.data);
		}
		catch (ex) {
			return;
		}
		const room = rooms.get(change.topic);
		if (!room) {
			return;
		}
		applyPresence(room, change);
		if (room.pending) {
			room.pending.push(change);
		}
		renderMembers(change.topic);
	}

	function renderMembers(name) {
		const room = rooms.get(name);
		const list = room.element.querySelector('.members');
		const items = Array.from(room.members).sort().map((member) => {
			const item = document.createElement('li');
			item.className = 'member';
			item.dataset.user = member;
			item.dataset.initial = Array.from(member)[0].toUpperCase();
			item.textContent = member;
			if (member === user) {
				item.classList.add('member--you');
				const you = document.createElement('span');
				you.className = 'member__you';
				you.textContent = ' (you)';
				item.append(you);
			}
			return item;
		});
		list.replaceChildren(...items);
		room.element.querySelector('.room__count').textContent = String(room.members.size);
	}

	// A chat event posted by a room's form: {"room": NAME, "from": USER, "text": TEXT}.
	function onChat(event) {
		let message;
		try {
			message = JSON.parse(event.data);
		}
		catch (ex) {
			return;
		}
		const room = message && typeof message.room === 'string' ? rooms.get(message.room) : undefined;
		if (!room || typeof message.text !== 'string') {
			return;
		}
		const item = document.createElement('li');
		item.className = 'message';
		item.dataset.id = event.lastEventId;
		const from = document.createElement('span');
		from.className = 'message__from';
		from.textContent = String(message.from);
		const text = document.createElement('span');
		text.className = 'message__text';
		text.textContent = message.text;
		item.append(from, ': ', text);
		const list = room.element.querySelector('.messages');
		list.append(item);
		while (list.children.length > MAX_ROOM_MESSAGES) {
			list.firstElementChild.remove();
		}
		room.element.querySelector('.room__none').hidden = true;
		list.scrollTop = list.scrollHeight;
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

	$('room-form').addEventListener('submit', (event) => {
		event.preventDefault();
		if (joinRoom($('room-name').value)) {
			$('room-name').value = '';
			roomsChanged();
			setStatus('Joined ' + Array.from(rooms.keys()).pop() + '.', 'info');
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
	const params = new URLSearchParams(location.search);
	params.getAll('room').forEach(joinRoom);
	$('rooms-empty').hidden = rooms.size > 0;
	const requested = (params.get('user') || '').trim();
	connect(requested !== '' ? requested : randomName());
	updateCount();
})();
