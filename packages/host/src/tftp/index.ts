export { BlockReader, fdChunks, memoryChunks } from './block-reader';
export type { ChunkSource } from './block-reader';
export { toNetascii } from './netascii';
export { negotiateOptions } from './options';
export type { NegotiatedOptions, NegotiationLimits, NegotiationRefusal } from './options';
export {
  ackPacket,
  dataPacket,
  errorPacket,
  MAX_REQUEST_SIZE,
  oackPacket,
  parsePacket,
  rrqPacket,
  TftpErrorCode,
  TftpOpcode,
} from './packet';
export type { ParsedPacket, TftpRequestPacket } from './packet';
export { tftpFileReply } from './file-reply';
export { TftpServer } from './server';
export type { TftpIdentity, TftpReadHandler, TftpReadReply, TftpServerOptions, TftpTransferDone } from './server';
export { Transfer } from './transfer';
export type { NativeSlots, OpenedSource, TransferSettings } from './transfer';
export { nativeSenderStatus } from './native-sender';
