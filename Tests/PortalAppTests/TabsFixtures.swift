import Foundation
import SparkAPI
import TerminalUI
@testable import PortalApp

/// The saved searches and news feeds of Ozzy Owner's group for the tabs' tests (#17): two searches of the group's, one
/// the agent provided, each of the first two followed by a feed (the second one paused).
enum Tabs17 {
    static func search(_ id: String, _ name: String, filter: String, modified: String, provided: Bool = false,
                       description: String? = nil) -> SavedSearch {
        Fixture.decode(SavedSearch.self, """
            {"Id":"\(id)","ResourceUri":"/v1/savedsearches/\(id)","Name":"\(name)","Filter":"\(filter)",
             "ModificationTimestamp":"\(modified)","Provided":\(provided)\(description.map { ",\"Description\":\"\($0)\"" } ?? "")}
            """)
    }

    static func feed(_ id: String, _ name: String, active: Bool, follows search: SavedSearch, lastEvent: String?) -> NewsFeed {
        Fixture.decode(NewsFeed.self, """
            {"Id":"\(id)","ResourceUri":"/v1/newsfeeds/\(id)","Name":"\(name)","Active":\(active),"Type":"SavedSearch",
             "LastEventTimestamp":"\(lastEvent ?? "")","ExpirationDate":"2027-03-15",
             "Subscription":{"Id":"\(search.id)","Name":"\(search.name)","Filter":"\(search.filter ?? "")"}}
            """)
    }

    static let sandpoint = search("S1", "Sandpoint under $600k", filter: "City Eq 'Sandpoint' And ListPrice Le 600000.0",
                                  modified: "2026-10-14T09:30:00Z", description: "Close to the lake and the schools")
    static let lakeTowns = search("S2", "Lake towns, 2+ baths",
                                  filter: "City Eq 'Sandpoint','Priest River','Bonners Ferry' And BathsTotal Ge 2",
                                  modified: "2026-10-20T12:00:00Z")
    static let schools = search("S3", "Casas cerca de la escuela", filter: "City Eq 'Post Falls' And ListPrice Bt 200000,650000",
                                modified: "2026-11-02T08:15:00Z", provided: true)
    static let searches = [sandpoint, lakeTowns, schools]

    static let sandpointFeed = feed("F1", "Sandpoint: new and reduced", active: true, follows: sandpoint,
                                    lastEvent: "2026-11-30T07:00:00Z")
    static let lakeTownsFeed = feed("F2", "Lake towns", active: false, follows: lakeTowns, lastEvent: nil)
    static let feeds = [sandpointFeed, lakeTownsFeed]

    static let ozzy = Workspace15.ozzy

    /// Betty acting for Ozzy's group, its carts loaded, the workspace pane focused on the Searches tab, its searches in.
    static func searchesState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = Workspace15.cartsState(size: size)
        _ = state.press(.char("]"))
        _ = reduce(&state, .searchesLoaded(forGroup: ozzy, request: state.workspaceTabs.searches.request, .success(searches)))
        return state
    }

    /// The same on the Feeds tab, the feeds (and the searches, read for Enter) in.
    static func feedsState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = searchesState(size: size)
        _ = state.press(.char("]"))
        _ = reduce(&state, .feedsLoaded(forGroup: ozzy, request: state.workspaceTabs.feeds.request, .success(.available(feeds))))
        return state
    }

    static let noPrivilege = SparkError.api(status: 403, code: 1500, message: "Privileged API keys only",
                                            context: RequestContext(method: "GET", path: "/v1/newsfeeds"))
}

extension AppState {
    var searchNames: [String] { workspaceTabs.searchRows.map { savedSearches[$0].name } }
    var feedNames: [String] { workspaceTabs.feedRows.map { newsFeeds[$0].name } }
}
