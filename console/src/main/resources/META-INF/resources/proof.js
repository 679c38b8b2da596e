// Checks a ledger entry in the browser, trusting nothing but the ledger's published key:
// 1. the entry's content gives its entry hash (the ledger's hash chain formula);
// 2. that hash is leaf `sequence` of the Merkle tree of the latest signed checkpoint (RFC 9162, 2.1.3.2);
// 3. the checkpoint's Ed25519 signature is valid for the key published at /.well-known/orgos-ledger-key.
(function () {
  'use strict';
  const b64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
  const concat = (...parts) => { const n = parts.reduce((a, p) => a + p.length, 0); const o = new Uint8Array(n); let i = 0; for (const p of parts) { o.set(p, i); i += p.length; } return o; };
  const sha256 = async bytes => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const u64 = n => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; };
  const u32 = n => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
  const text = s => new TextEncoder().encode(s);

  async function entryHash(e) {
    const fact = b64(e.factBytes);
    return sha256(concat(text('orgos-ledger-v1'), u64(e.sequence), u64(Date.parse(e.sealedAt)), b64(e.previousHash), u32(fact.length), fact));
  }

  async function rootFromInclusion(leafIndex, treeSize, leafHash, proof) {
    if (leafIndex >= treeSize) return null;
    let fn = BigInt(leafIndex), sn = BigInt(treeSize) - 1n, r = leafHash;
    for (const p of proof) {
      if (sn === 0n) return null;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), p, r));
        if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, p));
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n ? r : null;
  }

  async function run(section) {
    const steps = document.getElementById('proof-steps');
    const verdict = document.getElementById('proof-verdict');
    const say = (ok, msg) => { const li = document.createElement('li'); li.className = ok ? 'ok' : 'bad'; li.textContent = msg; steps.appendChild(li); return ok; };
    const finish = (ok, msg) => { verdict.textContent = msg; verdict.className = ok ? 'ok' : 'bad'; verdict.dataset.result = ok ? 'verified' : 'failed'; };
    const seq = section.dataset.proofSequence;
    const res = await fetch('/ledger/' + seq + '/proof', { credentials: 'same-origin' });
    const data = await res.json();
    if (!data.entry || !data.checkpoint) { finish(false, 'Could not fetch what the proof needs: ' + (data.problem || res.status)); return; }
    const e = data.entry, cp = data.checkpoint;
    let ok = say(eq(await entryHash(e), b64(e.entryHash)), 'The entry\'s content gives its hash ' + e.entryHash);
    if (!data.proof) {
      document.getElementById('sign-now').hidden = false;
      finish(false, 'Not yet covered: the latest signed checkpoint has ' + cp.treeSize + ' entries and this is entry #' + seq + '.');
      verdict.dataset.result = 'uncovered';
      return;
    }
    const leaf = await sha256(concat(Uint8Array.of(0), b64(e.entryHash)));
    ok = say(eq(leaf, b64(data.proof.leafHash)), 'Its Merkle leaf hash is SHA-256(0x00 || entry hash)') && ok;
    const root = await rootFromInclusion(Number(seq), cp.treeSize, leaf, data.proof.proof.map(b64));
    ok = say(root !== null && eq(root, b64(cp.rootHash)),
      'The inclusion proof (' + data.proof.proof.length + ' hashes) leads to the root ' + cp.rootHash + ' of the checkpoint of ' + cp.treeSize + ' entries') && ok;
    ok = say(cp.publicKey === data.key.publicKey, 'The checkpoint was signed with the key the ledger publishes') && ok;
    let signed = false;
    try {
      const key = await crypto.subtle.importKey('spki', b64(cp.publicKey), { name: 'Ed25519' }, false, ['verify']);
      const message = text('orgos-ledger-checkpoint-v1\n' + cp.treeSize + '\n' + cp.rootHash + '\n' + cp.timestampMillis + '\n');
      signed = await crypto.subtle.verify({ name: 'Ed25519' }, key, b64(cp.signature), message);
    } catch (err) {
      say(false, 'This browser cannot check Ed25519 signatures (' + err.message + ')');
    }
    ok = say(signed, 'The checkpoint\'s Ed25519 signature is valid (signed ' + new Date(cp.timestampMillis).toLocaleString() + ')') && ok;
    finish(ok, ok ? 'Verified: this entry is in the signed ledger, unchanged.' : 'NOT verified: see the failed step above.');
  }

  document.addEventListener('DOMContentLoaded', () => {
    const section = document.querySelector('[data-proof-sequence]');
    if (section) run(section).catch(err => {
      const v = document.getElementById('proof-verdict');
      v.textContent = 'The check could not run: ' + err.message; v.className = 'bad'; v.dataset.result = 'failed';
    });
  });
})();
