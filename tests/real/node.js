// The node workload of docs/real-programs.md: worker threads hashing, zlib,
// pbkdf2 and fs, each printing a result that is the same in every run.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const crypto = require('crypto');
const zlib = require('zlib');
const fs = require('fs');
const os = require('os');
const path = require('path');

if (!isMainThread) {
	let h = Buffer.from('seed' + workerData);
	for (let i = 0; i < 20000; i++)
		h = crypto.createHash('sha256').update(h).digest();
	parentPort.postMessage(h.toString('hex'));
	return;
}

async function main() {
	const hashes = await Promise.all([0, 1, 2].map((i) => new Promise((ok, bad) => {
		const w = new Worker(__filename, { workerData: i });
		w.on('message', ok);
		w.on('error', bad);
	})));
	hashes.forEach((h, i) => console.log(`worker ${i}: ${h}`));

	const data = Buffer.alloc(1 << 20);
	for (let i = 0; i < data.length; i++)
		data[i] = (i * 7 + (i >> 10)) & 0xff;
	const gz = await new Promise((ok, bad) => zlib.gzip(data, (e, r) => (e ? bad(e) : ok(r))));
	const back = await new Promise((ok, bad) => zlib.gunzip(gz, (e, r) => (e ? bad(e) : ok(r))));
	console.log(`zlib round trip equal: ${data.equals(back)}`);

	const key = await new Promise((ok, bad) =>
		crypto.pbkdf2('password', 'salt', 100000, 32, 'sha512', (e, k) => (e ? bad(e) : ok(k))));
	console.log(`pbkdf2: ${key.toString('hex')}`);

	const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'udnode-')), 'data');
	await fs.promises.writeFile(f, data);
	const read = await fs.promises.readFile(f);
	console.log(`fs round trip equal: ${data.equals(read)}`);
	fs.rmSync(path.dirname(f), { recursive: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
