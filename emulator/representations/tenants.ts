import type { BackupServer, Repository } from "../model";
import type { Element } from "../wire/tree";
import { el, leaf, link, links } from "./common";

export const backupServerUid = (id: string) => `urn:veeam:BackupServer:${id}`;
export const repositoryUid = (id: string) => `urn:veeam:Repository:${id}`;

/** A backup server's reference (get_backupservers: `Ref Type="BackupServerReference"` with an Alternate link). */
export function backupServerReference(api: string, server: BackupServer, root = "Ref"): Element {
  const self = `${api}/backupServers/${server.id}`;
  return el(root, { Type: "BackupServerReference", Href: self, Name: server.name, UID: backupServerUid(server.id) }, links(link("Alternate", "BackupServer", `${self}?format=Entity`, server.name)));
}

export function backupServerEntity(api: string, server: BackupServer): Element {
  const self = `${api}/backupServers/${server.id}`;
  return el(
    "BackupServer",
    { Type: "BackupServer", Href: `${self}?format=Entity`, Name: server.name, UID: backupServerUid(server.id) },
    links(link("Alternate", "BackupServerReference", self, server.name), link("Down", "RepositoryReferenceList", `${api}/repositories`)),
    leaf("Description", ""),
    leaf("Port", 9392),
  );
}

function serverOf(repository: Repository, servers: BackupServer[]): BackupServer {
  return servers.find((s) => s.id === repository.backupServerId) ?? { id: repository.backupServerId, name: repository.backupServerId };
}

/** A repository's reference (get_repositories: `Ref Type="RepositoryReference"`, Up to its backup server). */
export function repositoryReference(api: string, repository: Repository, servers: BackupServer[], root = "Ref"): Element {
  const self = `${api}/repositories/${repository.id}`;
  const server = serverOf(repository, servers);
  return el(
    root,
    { Type: "RepositoryReference", Href: self, Name: repository.name, UID: repositoryUid(repository.id) },
    links(link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name), link("Alternate", "Repository", `${self}?format=Entity`, repository.name)),
  );
}

/** The Repository entity of repositories_id: Capacity, FreeSpace (bytes) and Kind. */
export function repositoryEntity(api: string, repository: Repository, servers: BackupServer[]): Element {
  const self = `${api}/repositories/${repository.id}`;
  const server = serverOf(repository, servers);
  return el(
    "Repository",
    { Type: "Repository", Href: `${self}?format=Entity`, Name: repository.name, UID: repositoryUid(repository.id) },
    links(
      link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name),
      link("Alternate", "RepositoryReference", self, repository.name),
      link("Down", "BackupReferenceList", `${self}/backups`),
    ),
    leaf("Capacity", 1079639011328),
    leaf("FreeSpace", 881812750336),
    leaf("Kind", "WindowsLocal"),
  );
}
