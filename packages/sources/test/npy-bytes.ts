export type Dtype = '<f8' | '<f4' | '<i4' | '<i8' | '>f8' | '<i2';

/** Writes .npy bytes (format 1.0) the way numpy.save does: magic, padded header, raw body. */
export function npyBytes(descr: Dtype, shape: readonly number[], values: readonly number[], options: { fortran?: boolean; version?: 1 | 2; shapeText?: string } = {}): Uint8Array {
  const shapeText = options.shapeText ?? (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran === true ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = options.version ?? 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const itemSize = descr.endsWith('8') ? 8 : descr.endsWith('4') ? 4 : 2;
  const bytes = new Uint8Array(total + values.length * itemSize);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[prefix + i] = header.charCodeAt(i);
  values.forEach((value, i) => {
    const offset = total + i * itemSize;
    if (descr === '<f8') view.setFloat64(offset, value, true);
    else if (descr === '>f8') view.setFloat64(offset, value, false);
    else if (descr === '<f4') view.setFloat32(offset, value, true);
    else if (descr === '<i4') view.setInt32(offset, value, true);
    else if (descr === '<i8') view.setBigInt64(offset, BigInt(value), true);
    else view.setInt16(offset, value, true);
  });
  return bytes;
}

