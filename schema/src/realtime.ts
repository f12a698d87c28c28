/** socket.io event maps, typed once for the server and its clients. */

/** /staff: staff browsers, admitted by their session cookie. */
export interface StaffServerToClient {
  /** Sent once after the handshake so a client knows who the server thinks it is. */
  welcome: (info: { userId: string; orgId: string }) => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StaffClientToServer {}
