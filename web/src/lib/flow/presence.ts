import { io, type Socket } from 'socket.io-client';
import type { FlowClientToServer, FlowServerToClient } from '@foyer/schema/realtime';

export type FlowPresence = {
  /** The booking is confirmed: the server lets the customer go offline a little later. */
  done(): void;
  /** The customer left the flow (navigated away inside the app): offline after the grace period. */
  leave(): void;
};

/**
 * C7/P1: keeps the customer "online" for staff while this page lives. The page calls it once the
 * booking API has given it a flow token (the server knows who the customer is); closing the tab
 * or navigating away drops the socket, and the server says "offline" after a short grace, so a
 * reload does not flicker. A reconnect presents the token again.
 */
export function enterFlowPresence(token: string): FlowPresence {
  const socket: Socket<FlowServerToClient, FlowClientToServer> = io('/flow', { transports: ['websocket'] });
  let finished = false;
  // After a reconnect the server knows nothing of the earlier `done`: say it again once identified.
  socket.on('connect', () => socket.emit('flow:identify', { token }, () => finished && socket.emit('flow:done')));
  return {
    done: () => {
      finished = true;
      socket.emit('flow:done');
    },
    leave: () => socket.disconnect(),
  };
}
