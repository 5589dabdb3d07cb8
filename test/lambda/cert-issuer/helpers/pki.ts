/**
 * A mesh PKI made with the issuing code (lambda/cert-issuer/issue.ts), written to PEM files as
 * Envoy would read them, plus the certificates a peer must refuse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { issueCa, issueLeaf, type IssuedCa, type IssuedLeaf } from '../../../../lambda/cert-issuer/issue';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A leaf and the files it was written to. */
export interface LeafFiles {
  readonly issued: IssuedLeaf;
  /** The leaf alone. */
  readonly certFile: string;
  /** The leaf followed by its CA. */
  readonly chainFile: string;
  readonly keyFile: string;
}

export interface MeshPki {
  readonly dir: string;
  readonly ca: IssuedCa;
  readonly caFile: string;
  /** A CA the mesh does not trust. */
  readonly foreignCa: IssuedCa;
  readonly foreignCaFile: string;
  /** A service version's proxy: `orders.shop.local` and `v1.orders.shop.local`. */
  readonly server: LeafFiles;
  /** Another proxy of the mesh, calling the server. */
  readonly client: LeafFiles;
  /** A client leaf with the same names, from the foreign CA. */
  readonly foreignClient: LeafFiles;
  /** A client leaf of the mesh CA that expired yesterday (issued 31 days ago for 30 days). */
  readonly expiredClient: LeafFiles;
  /** A leaf of the mesh CA for another service: the wrong name for the server. */
  readonly wrongNameServer: LeafFiles;
}

export const SERVER_NAME = 'orders.shop.local';
export const SERVER_NAMES = [SERVER_NAME, 'v1.orders.shop.local'];
export const CLIENT_NAMES = ['inventory.shop.local', 'v1.inventory.shop.local'];

export function writePem(dir: string, name: string, pem: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pem, { mode: 0o600 });
  return file;
}

export function writeLeaf(dir: string, name: string, issued: IssuedLeaf): LeafFiles {
  return {
    issued,
    certFile: writePem(dir, `${name}.pem`, issued.certificate),
    chainFile: writePem(dir, `${name}-chain.pem`, issued.certificateChain),
    keyFile: writePem(dir, `${name}-key.pem`, issued.privateKey),
  };
}

export async function createMeshPki(dir: string): Promise<MeshPki> {
  const [ca, foreignCa] = await Promise.all([issueCa({ commonName: 'shop mesh CA' }), issueCa({ commonName: 'shop mesh CA' })]);
  const leaf = (issuer: IssuedCa, dnsNames: string[], extra: { now?: Date; validityDays?: number } = {}) =>
    issueLeaf({ ca: issuer, commonName: dnsNames[dnsNames.length - 1], dnsNames, validityDays: extra.validityDays ?? 30, now: extra.now });
  const [server, client, foreignClient, expiredClient, wrongNameServer] = await Promise.all([
    leaf(ca, SERVER_NAMES),
    leaf(ca, CLIENT_NAMES),
    leaf(foreignCa, CLIENT_NAMES),
    leaf(ca, CLIENT_NAMES, { now: new Date(Date.now() - 31 * DAY_MS), validityDays: 30 }),
    leaf(ca, ['payments.shop.local', 'v1.payments.shop.local']),
  ]);
  return {
    dir,
    ca,
    caFile: writePem(dir, 'ca.pem', ca.certificate),
    foreignCa,
    foreignCaFile: writePem(dir, 'foreign-ca.pem', foreignCa.certificate),
    server: writeLeaf(dir, 'server', server),
    client: writeLeaf(dir, 'client', client),
    foreignClient: writeLeaf(dir, 'foreign-client', foreignClient),
    expiredClient: writeLeaf(dir, 'expired-client', expiredClient),
    wrongNameServer: writeLeaf(dir, 'wrong-name-server', wrongNameServer),
  };
}
