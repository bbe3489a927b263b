/**
 * A user as catalog knows one in the graph: by id alone. Users are owned by the users subgraph,
 * which the gateway asks for everything else; catalog only adds `User.bookings`.
 */
export interface UserRef {
  id: string;
}
