/** A single-call upload (`POST /current/upload/`) of `bytes` as `name` into a workspace's root folder, as the benches send it. */
export function uploadForm(workspaceId: string, name: string, bytes: string | Uint8Array, type: string): FormData {
  const form = new FormData();
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  for (const [k, v] of Object.entries({ name, size: String(size), action: 'create', instance_id: workspaceId, folder_id: 'root', profile_type: 'workspace' }))
    form.append(k, v);
  form.append('chunk', new Blob([bytes], { type }), name);
  return form;
}
